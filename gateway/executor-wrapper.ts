/**
 * Apollo Server runs every operation through the gateway's executor (`gateway.load()` hands it out). The gateway's
 * own changes to how operations run wrap that executor: plans kept per operation (plugins/limits/plan-cache-key.ts),
 * Europe-wide questions answered without the planner (europe-direct.ts).
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';

/** The gateway as Apollo Server takes it (the interface's own package is not a dependency of this project). */
export type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
export type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** The gateway with its executor replaced by `wrap(executor)`, after every load (a new supergraph brings a new one). */
export function withExecutor(gateway: GatewayInterface, wrap: (executor: GatewayExecutor) => GatewayExecutor): GatewayInterface {
  return {
    load: async (options) => {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
  };
}
