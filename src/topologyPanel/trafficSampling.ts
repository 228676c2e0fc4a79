/**
 * The panel's way to the traffic sampler (src/engine/traffic/sampler.ts): the collect it drew, and
 * the engine it drew it from (local: /sys and /proc; not local: the Engine API's one-shot stats).
 */
import { trafficSamplerFor as samplerFor } from '../engine/traffic/sampler';
import type { Collected } from '../engine/collectTopology';
import type { Services } from '../services';
import type { TrafficSampler } from './trafficFeed';

export { ratesBetween } from '../model/traffic/rates';

/** A sampler for the interfaces of this collect (already narrowed to what is drawn). */
export function trafficSamplerFor(collected: Collected, services: Services): TrafficSampler {
  const session = services.session;
  return samplerFor(collected, { isLocal: session.isLocal, stats: { containerStats: (id) => session.client.containerStats(id) } });
}
