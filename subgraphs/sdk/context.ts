export interface RequestContext { accessLevel?: string }
