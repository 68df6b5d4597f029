export { BEACON_PATH, startBeaconSimulator } from './server';
export type { BeaconSimulatorOptions, ReceivedBody, RunningBeaconSimulator } from './server';
export { buildIndividuals, durationYears, isoAge } from './individuals';
export type { BeaconIndividual } from './individuals';
export * from './vocabulary';
