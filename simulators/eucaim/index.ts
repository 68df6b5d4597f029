export { startEucaimMediatorSimulator, mediatorAnswer, mediatorCriteria } from './mediator';
export type { EucaimMediatorSimulatorOptions, RunningEucaimMediator } from './mediator';
