/**
 * Europe-wide answers: totals and merged facets, one flat case list across repositories, download manifests.
 * See schema/europe.graphql for the contract and gateway-link.ts for how the fan-out goes through the gateway.
 */
export { buildEuropeSubgraph, type EuropeSubgraph } from './subgraph';
export { europeTypeDefs, EUROPE_SUBGRAPH_NAME } from './sdl';
export { bindGatewayExecutor, contextGatewayLink, executeThroughApollo, type GatewayLink, type ExecuteThroughGateway, type InnerAnswer, type InnerOperation } from './gateway-link';
export { sumCohorts } from './cohort';
export { decodeWalkCursor, encodeWalkCursor, walkFingerprint, type WalkState } from './cursor';
export { renderManifest } from './manifest';
