/**
 * Example operations GraphiQL opens as tabs, so that a first-time user sees working queries against the
 * unified schema instead of an empty editor. Each starts with a `#` comment because that is the only
 * documentation a user sees next to the query; the operation name doubles as the tab title
 * (GraphiQL derives tab titles from the operation name, so `name` must equal it).
 */

export interface ExampleOperation {
  /** The operation name; also the GraphiQL tab title. */
  name: string;
  /** GraphQL document text, shown verbatim in the editor. */
  query: string;
  /** Shown in the variables editor as pretty-printed JSON. */
  variables?: Record<string, unknown>;
  /** Asks for records: the tab carries the demo token's Authorization header when the gateway has one. */
  records?: boolean;
}

export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'EuropeWideCohort',
    variables: { where: { cancerSites: ['PROSTATE'], modalities: ['MR'] } },
    query: `# Europe-wide: how many prostate-cancer subjects with MR imaging,
# summed over every repository, with each repository's part and
# status (OK, PARTIAL, INCOMPLETE, NOT_SUPPORTED, FAILED, TIMED_OUT,
# CIRCUIT_OPEN, OVERLOADED, WARMING). Change the filter in the variables below.
# (The cohort explorer at /explorer asks the same by clicking.)
query EuropeWideCohort($where: CaseFilter) {
  cohort(where: $where) {
    complete
    total {
      subjects
      studies
      series
      exact
      suppressed
      facets {
        sex {
          value
          subjects
        }
      }
    }
    contributors {
      subjects
      series
    }
    repositories {
      repository {
        name
        country
      }
      cohort {
        subjects
      }
      status {
        state
        code
        latencyMs
        filtersNotApplied {
          criterion
          reason
        }
      }
    }
  }
}
`,
  },
  {
    name: 'CohortByCancerSiteAndModality',
    query: `# Feasibility: lung-cancer subjects with CT or PET imaging,
# counted in every repository, with modality and site facets.
query CohortByCancerSiteAndModality {
  repositories {
    id
    name
    country
    cohort(where: { cancerSites: [LUNG], modalities: [CT, PT] }) {
      subjects
      studies
      series
      images
      exact
      filtersApplied
      filtersNotApplied {
        criterion
        reason
      }
      facets {
        modality {
          value
          subjects
        }
        cancerSite {
          value
          subjects
        }
      }
    }
  }
}
`,
  },
  {
    name: 'CasesWithStudies',
    records: true,
    query: `# Records: the first five cases with MR imaging in each
# repository that lists cases, with their studies and series.
query CasesWithStudies {
  repositories(where: { granularity: RECORD }) {
    id
    name
    cases(where: { modalities: [MR] }, first: 5) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        subjectId
        sex
        ageAtDiagnosis
        diagnosis {
          cancerSite
          icd10
          icdO3Morphology
        }
        studies {
          uid
          date
          modalities
          bodyParts
          series {
            uid
            modality
            bodyPart
            bodyPartRaw
            manufacturer
            instanceCount
            retrieve {
              protocol
              url
            }
          }
        }
      }
    }
  }
}
`,
  },
  {
    name: 'RepositoriesByCountry',
    query: `# Catalogue: the German and Spanish repositories, what each
# can answer and which collections it holds.
query RepositoriesByCountry {
  repositories(where: { countries: ["DE", "ES"] }) {
    id
    name
    country
    institution
    apiKind
    granularity
    capabilities {
      criteria
      caseListing
    }
    collections {
      id
      name
      subjects
      modalities
    }
  }
}
`,
  },
  {
    name: 'EuropeWideCasesPaging',
    records: true,
    variables: { where: { cancerSites: ['LUNG'] }, after: null },
    query: `# Records, Europe-wide: one list of lung-cancer cases across the
# repositories that list cases, 20 per page. For the next page, set
# "after" in the variables to the answer's pageInfo.endCursor.
query EuropeWideCasesPaging($where: CaseFilter, $after: String) {
  cases(where: $where, first: 20, after: $after) {
    totalCount
    complete
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      subjectId
      sex
      ageAtDiagnosis
      diagnosis {
        cancerSite
      }
    }
    repositories {
      repositoryId
      returned
      status {
        state
        message
      }
    }
  }
}
`,
  },
  {
    name: 'DownloadManifest',
    records: true,
    variables: { where: { cancerSites: ['PROSTATE'], modalities: ['MR'] }, format: 'URL_LIST' },
    query: `# Records: the MR series of the prostate-cancer cases, with a file
# for native download tools (format URL_LIST, TCIA or CSV). Each
# file's content is the text to save under its name; the cohort
# explorer (/explorer) downloads it as a file.
query DownloadManifest($where: CaseFilter, $format: ManifestFormat) {
  manifest(where: $where, format: $format, maxSeries: 1000) {
    seriesCount
    sizeBytes
    truncated
    complete
    files {
      name
      mediaType
      series
      content
    }
    repositories {
      repositoryId
      series
      status {
        state
        message
      }
    }
  }
}
`,
  },
];
