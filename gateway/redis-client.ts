/**
 * The gateway's Redis connections (the shared answer cache, the shared rate counts): never a dependency. While
 * disconnected, commands fail at once instead of queueing behind the reconnection, so each user of the connection
 * falls back at once (to no cache, to per-replica counts); reconnection backs off up to 2 s.
 */
import { createClient } from '@keyv/redis';

export type GatewayRedisClient = ReturnType<typeof createClient>;

export function createGatewayRedisClient(url: string): GatewayRedisClient {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
}
