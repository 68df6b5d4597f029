/**
 * Lens queries mean what they say (gateway/plugins/explorer/lens-ast.ts, catalogue-keys.ts): the AST Lens builds (outer OR
 * of AND groups of per-criterion ORs) becomes one CaseFilter when it fits and a union of filter groups otherwise;
 * EUCAIM's own catalogue keys are read like this project's names; whatever cannot be stated is refused with an
 * error naming the part of the query, never dropped.
 */
import { LensQueryError, MAX_FILTER_GROUPS, translateLensAst } from '../../gateway/plugins/explorer/lens-ast';
import { decodeSpotQuery } from '../../gateway/plugins/explorer/spot';

const leaf = (key: string, value: unknown, type = 'EQUALS') => ({ key, type, system: '', value });
const any = (key: string, ...values: unknown[]) => ({ key, operand: 'OR', children: values.map((v) => leaf(key, v)) });
const and = (...children: unknown[]) => ({ operand: 'AND', children });
const or = (...children: unknown[]) => ({ operand: 'OR', children });

function refusal(ast: unknown): LensQueryError {
  try {
    translateLensAst(ast);
  } catch (error) {
    if (error instanceof LensQueryError) return error;
    throw error;
  }
  throw new Error('the query was translated, but it should have been refused');
}

test('the AST samply/focus tests send from EUCAIM\'s explorer (male, prostate cancer, MR, breast, Philips) is one CaseFilter', () => {
  // ../shared/native-apis/README.md 1.1.2, item 1, verbatim but for the id.
  const ast = { operand: 'OR', children: [{ operand: 'AND', children: [
    { operand: 'OR', children: [{ key: 'SNOMEDCT263495000', system: '', type: 'EQUALS', value: 'SNOMEDCT248153007' }] },
    { operand: 'OR', children: [{ key: 'SNOMEDCT439401001', system: 'urn:snomed-org/sct', type: 'EQUALS', value: 'SNOMEDCT399068003' }] },
    { operand: 'OR', children: [{ key: 'RID10311', system: 'urn:oid:2.16.840.1.113883.6.256', type: 'EQUALS', value: 'RID10312' }] },
    { operand: 'OR', children: [{ key: 'SNOMEDCT123037004', system: 'urn:snomed-org/sct', type: 'EQUALS', value: 'SNOMEDCT76752008' }] },
    { operand: 'OR', children: [{ key: 'C25392', system: 'http://bioontology.org/projects/ontologies/birnlex', type: 'EQUALS', value: 'birnlex_3065' }] },
  ] }] };
  expect(translateLensAst(ast)).toEqual({
    groups: [{ where: { sex: ['MALE'], cancerSites: ['PROSTATE'], modalities: ['MR'], bodyParts: ['BREAST'], manufacturers: ['Philips'] } }],
    broadened: [],
  });
});

test('every EUCAIM catalogue value of sex, diagnosis, modality, body part and manufacturer has its unified value', () => {
  const where = (key: string, value: string) => translateLensAst(or(and(any(key, value)))).groups[0].where;
  expect(['SNOMEDCT248153007', 'SNOMEDCT248152002', 'SNOMEDCT74964007', 'SNOMEDCT261665006'].map((v) => where('SNOMEDCT263495000', v).sex))
    .toEqual([['MALE'], ['FEMALE'], ['OTHER'], ['UNKNOWN']]);
  expect(['SNOMEDCT363406005', 'SNOMEDCT254837009', 'SNOMEDCT363358000', 'SNOMEDCT399068003'].map((v) => where('SNOMEDCT439401001', v).cancerSites))
    .toEqual([['COLON'], ['BREAST'], ['LUNG'], ['PROSTATE']]);
  expect(['RID10312', 'RID10337', 'RID10321'].map((v) => where('RID10311', v).modalities)).toEqual([['MR'], ['PT'], ['CT']]);
  expect(['SNOMEDCT76752008', 'SNOMEDCT71854001', 'SNOMEDCT39607008', 'SNOMEDCT12921003', 'SNOMEDCT41216001'].map((v) => where('SNOMEDCT123037004', v).bodyParts))
    .toEqual([['BREAST'], ['COLON'], ['LUNG'], ['PELVIS'], ['PROSTATE']]);
  expect(['C200140', 'birnlex_3066', 'birnlex_12833', 'birnlex_3065', 'birnlex_3067'].map((v) => where('C25392', v).manufacturers))
    .toEqual([['Siemens Healthineers'], ['Siemens Medical Solutions'], ['GE Medical Systems'], ['Philips'], ['Toshiba']]);
});

test('EUCAIM\'s numeric criteria take BETWEEN with either bound left out', () => {
  const ast = or(and(leaf('SNOMEDCT423493009', { min: 50, max: 70 }, 'BETWEEN'), leaf('SNOMEDCT432213005', { min: 2015 }, 'BETWEEN')));
  expect(translateLensAst(ast).groups).toEqual([{ where: { ageAtDiagnosis: { min: 50, max: 70 }, yearOfDiagnosis: { min: 2015 } } }]);
});

test('this project\'s own names, values ORed within a criterion, and a country are one filter group', () => {
  const ast = or(and(any('cancerSites', 'LUNG', 'BREAST'), any('modalities', 'CT', 'PT'), any('country', 'DE', 'es')));
  expect(translateLensAst(ast).groups).toEqual([{ where: { cancerSites: ['BREAST', 'LUNG'], modalities: ['CT', 'PT'] }, countries: ['DE', 'ES'] }]);
});

test('an OR of two AND groups is a union of two filter groups; the same group twice is asked once', () => {
  const prostateMr = and(any('cancerSites', 'PROSTATE'), any('modalities', 'MR'));
  const lungCt = and(any('cancerSites', 'LUNG'), any('modalities', 'CT'));
  expect(translateLensAst(or(prostateMr, lungCt, prostateMr)).groups).toEqual([
    { where: { cancerSites: ['PROSTATE'], modalities: ['MR'] } },
    { where: { cancerSites: ['LUNG'], modalities: ['CT'] } },
  ]);
});

test('an OR of different criteria inside an AND is distributed into groups', () => {
  const ast = and(any('sex', 'FEMALE'), or(leaf('cancerSites', 'BREAST'), leaf('modalities', 'MG')));
  expect(translateLensAst(ast).groups).toEqual([
    { where: { sex: ['FEMALE'], cancerSites: ['BREAST'] } },
    { where: { sex: ['FEMALE'], modalities: ['MG'] } },
  ]);
});

test('a case\'s single-valued criteria ANDed are intersected, ranges too', () => {
  const ast = and(any('sex', 'MALE', 'FEMALE'), any('sex', 'FEMALE', 'OTHER'), leaf('ageAtDiagnosis', { min: 40, max: 80 }, 'BETWEEN'), leaf('ageAtDiagnosis', { min: 60 }, 'BETWEEN'));
  expect(translateLensAst(ast).groups).toEqual([{ where: { sex: ['FEMALE'], ageAtDiagnosis: { min: 60, max: 80 } } }]);
});

test('an empty search bar asks for every case', () => {
  expect(translateLensAst({ operand: 'OR', children: [] }).groups).toEqual([{ where: {} }]);
  expect(translateLensAst(or(and())).groups).toEqual([{ where: {} }]);
});

test('SPECT is asked as NM and the translation says the counts may include planar NM', () => {
  const translated = translateLensAst(or(and(any('RID10311', 'RID10334'))));
  expect(translated.groups).toEqual([{ where: { modalities: ['NM'] } }]);
  expect(translated.broadened).toEqual([expect.stringMatching(/SPECT .* NM.*planar/)]);
});

test('EUCAIM\'s "Pelvis Cancer" is refused, naming the value: no cancer site equals it', () => {
  const error = refusal(or(and(any('SNOMEDCT439401001', 'SNOMEDCT363484005'))));
  expect(error.part).toContain('"SNOMEDCT363484005"');
  expect(error.part).toContain('ast.children[0].children[0]');
  expect(error.message).toMatch(/names no organ/);
});

test('a EUCAIM criterion the unified schema lacks is refused by name, not dropped', () => {
  const error = refusal(or(and(any('cancerSites', 'PROSTATE'), any('EUCAIM_Hyper-Ontology_V1.0.CLIN1037294', 'CLIN1025818'))));
  expect(error.part).toContain('EUCAIM_Hyper-Ontology_V1.0.CLIN1037294');
  expect(error.message).toMatch(/Gleason score criterion has no counterpart in CaseFilter/);
});

test('unknown keys and values are refused with the part that holds them', () => {
  expect(refusal(or(and(any('bloodGroup', 'A+')))).message).toMatch(/cannot translate ast\.children\[0\]\.children\[0\]\.children\[0\] \(key "bloodGroup".*unknown criterion key/);
  expect(refusal(or(and(any('modalities', 'XRAY-VISION')))).message).toMatch(/value "XRAY-VISION".*not a modality/);
  expect(refusal(or(and(leaf('ageAtDiagnosis', { min: 'fifty' }, 'BETWEEN')))).message).toMatch(/min must be a whole number/);
  expect(refusal(or(and(leaf('sex', { min: 1 }, 'BETWEEN')))).message).toMatch(/sex takes EQUALS or IN, not BETWEEN/);
});

test('NOT and XOR are refused: CaseFilter has no negation', () => {
  const error = refusal(or({ operand: 'NOT', children: [leaf('sex', 'MALE')] }));
  expect(error.part).toBe('ast.children[0] (operand "NOT")');
  expect(error.message).toMatch(/CaseFilter has no NOT/);
});

test('two image criteria of one kind ANDed (a case with MR and with CT) are refused: one series is never both', () => {
  const error = refusal(and(any('modalities', 'MR'), any('modalities', 'CT')));
  expect(error.message).toMatch(/modalities is evaluated on one series/);
});

test('conditions that no case can satisfy are refused rather than counted as 0', () => {
  expect(refusal(and(any('sex', 'MALE'), any('sex', 'FEMALE'))).message).toMatch(/share no value, so no case can match/);
  expect(refusal(and(leaf('yearOfDiagnosis', { min: 2020 }, 'BETWEEN'), leaf('yearOfDiagnosis', { max: 2010 }, 'BETWEEN'))).message).toMatch(/ranges do not overlap/);
});

test('a query expanding into too many alternatives is refused, naming where', () => {
  const pairs = Array.from({ length: 5 }, () => or(leaf('sex', 'MALE'), leaf('modalities', 'CT')));
  const error = refusal(and(...pairs));
  expect(error.message).toContain(`more than ${MAX_FILTER_GROUPS} alternatives`);
});

test('the query string Lens applications send (base64 twice, "payload" or EUCAIM\'s "query") decodes to its AST', () => {
  const ast = or(and(any('sex', 'MALE')));
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  expect(decodeSpotQuery(b64({ lang: 'ast', payload: b64({ ast, id: 'a' }) }))).toEqual(ast);
  expect(decodeSpotQuery(b64({ lang: 'ast', query: b64({ ast, id: 'a' }) }))).toEqual(ast);
  expect(() => decodeSpotQuery(b64({ lang: 'cql', lib: {} }))).toThrow(/query\.lang \("cql"\).*answers Lens ASTs/);
  expect(() => decodeSpotQuery('%%%')).toThrow(/neither base64 of a JSON object nor a JSON object/);
});
