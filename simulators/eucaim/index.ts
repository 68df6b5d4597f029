export { startEucaimMediatorSimulator, mediatorAnswer, mediatorCriteria } from './mediator';
export type { EucaimMediatorSimulatorOptions, MediatorCriteria, MediatorParam, RunningEucaimMediator } from './mediator';
