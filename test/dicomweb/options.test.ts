/**
 * The owner's collection rule in a federation config: refused with an error naming the entry and the field when it
 * is wrong, before any query runs.
 */
import { ConfigError, parseFederationConfig } from '../../config/federation-config';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { dicomwebKind } from '../../subgraphs/dicomweb';

function configWith(options: unknown, collections = [{ id: 'AMS-LUNG', name: 'Amsterdam Lung CT', cancerSite: 'LUNG' }]) {
  return {
    repositories: [{
      id: 'nl-amsterdam-pacs', name: 'Amsterdam PACS', country: 'NL', institution: 'Amsterdam UMC', apiKind: 'dicomweb',
      endpoint: 'https://pacs.example.org/dicom-web', collections, options,
    }],
  };
}

function problemsOf(options: unknown, collections?: Array<{ id: string; name: string; cancerSite: string }>): string[] {
  try {
    parseFederationConfig(configWith(options, collections), 'test.json', ADAPTER_KINDS);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const at = 'repositories[0] ("nl-amsterdam-pacs").options.collectionFrom';

describe('options.collectionFrom', () => {
  it('accepts each documented rule', () => {
    for (const collectionFrom of [
      { by: 'ClinicalTrialProtocolID' },
      { by: 'ClinicalTrialProtocolID', values: { 'LUNG-TRIAL-7': 'AMS-LUNG' } },
      { by: 'IssuerOfPatientID', values: { 'UMC-LUNG-REGISTRY': 'AMS-LUNG' } },
      { by: 'StudyDescription', ignoreCase: true, patterns: [{ match: '^CT (THORAX|CHEST)', collection: 'AMS-LUNG' }] },
      { by: 'PatientID', patterns: [{ match: '^AMS-LUNG-\\d{4}$', collection: 'AMS-LUNG' }] },
      { by: 'repository', collection: 'AMS-LUNG' },
    ]) expect([collectionFrom, problemsOf({ collectionFrom })]).toEqual([collectionFrom, []]);
  });

  it('refuses a pattern that could backtrack or that means something else than a RegExp, saying why and where', () => {
    expect(problemsOf({ collectionFrom: { by: 'PatientID', patterns: [
      { match: '^(\\w+)\\1$', collection: 'AMS-LUNG' },
      { match: '(?=LUNG)', collection: 'AMS-LUNG' },
      { match: 'LUNG{', collection: 'AMS-LUNG' },
    ] } })).toEqual([
      `${at}.patterns[0].match: backreferences (\\1 …) are not supported: they cannot be matched in linear time (at character 7 of "^(\\\\w+)\\\\1$")`,
      `${at}.patterns[1].match: lookahead and lookbehind are not supported: they cannot be matched in linear time (at character 1 of "(?=LUNG)")`,
      `${at}.patterns[2].match: "{" starts no counted repetition {n}, {n,} or {n,m}: write \\{ for the character (at character 5 of "LUNG{")`,
    ]);
  });

  it('refuses a collection the entry does not list, naming the field', () => {
    expect(problemsOf({ collectionFrom: { by: 'repository', collection: 'AMS-LUGN' } }))
      .toEqual([`${at}.collection: "AMS-LUGN" is not one of this entry's collections (it lists AMS-LUNG)`]);
    expect(problemsOf({ collectionFrom: { by: 'StudyDescription', patterns: [{ match: 'THORAX', collection: 'AMS-LUNG' }, { match: 'PROSTATE', collection: 'AMS-PROSTATE' }] } }))
      .toEqual([`${at}.patterns[1].collection: "AMS-PROSTATE" is not one of this entry's collections (it lists AMS-LUNG)`]);
    expect(problemsOf({ collectionFrom: { by: 'IssuerOfPatientID', values: { 'UMC-REG': 'AMS-BREAST' } } }))
      .toEqual([`${at}.values["UMC-REG"]: "AMS-BREAST" is not one of this entry's collections (it lists AMS-LUNG)`]);
    expect(problemsOf({ collectionFrom: { by: 'repository', collection: 'AMS-LUNG' } }, []))
      .toEqual([`${at}.collection: "AMS-LUNG" is not one of this entry's collections (it lists none)`]);
  });

  it('refuses malformed rules and unknown options', () => {
    expect(problemsOf({ collectionFrom: { by: 'SeriesDescription' } })).toEqual([
      `${at}.by: must be one of "ClinicalTrialProtocolID", "IssuerOfPatientID", "StudyDescription", "PatientID", "repository"`,
    ]);
    expect(problemsOf({ collectionFrom: { by: 'PatientID', patterns: [], values: {} } })).toEqual([
      `${at}.values: not a field of a rule by PatientID (it takes by, patterns, ignoreCase)`,
      `${at}.patterns: must be a list of 1 to 50 {"match": "<regular expression>", "collection": "<id>"}`,
    ]);
    expect(problemsOf({ collectionFrom: { by: 'StudyDescription', ignoreCase: 'yes', patterns: [{ match: 'X', collection: '', colour: 1 }] } })).toEqual([
      `${at}.ignoreCase: must be true or false`,
      `${at}.patterns[0].colour: unknown field (a pattern has match and collection)`,
      `${at}.patterns[0].collection: must be a collection id`,
    ]);
    expect(problemsOf({ collectionFrom: 'ClinicalTrialProtocolID', collectionAttribute: 'ClinicalTrialProtocolID' })).toEqual([
      `${at}: must be an object such as {"by": "ClinicalTrialProtocolID"}`,
      'repositories[0] ("nl-amsterdam-pacs").options.collectionAttribute: unknown option (the dicomweb adapter knows mode, indexTtlSeconds, pageSize, collectionFrom)',
    ]);
  });

  it('is checked by the kind itself too, for callers that build entries in code', () => {
    expect(dicomwebKind.validateOptions!({ collectionFrom: { by: 'repository' } })).toEqual([
      'collectionFrom.collection: must name the collection every study of the repository belongs to',
    ]);
    expect(() => dicomwebKind.create({
      id: 'x', name: 'x', country: 'NL', institution: 'x', apiKind: 'dicomweb', endpoint: 'http://127.0.0.1:1/dicom-web',
      subgraph: 'local', timeoutMs: 1000, collections: [], options: { collectionFrom: { by: 'nothing' } },
    }, {})).toThrow('invalid dicomweb options: collectionFrom.by');
  });
});
