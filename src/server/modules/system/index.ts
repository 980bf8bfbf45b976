/** Liveness (/health) and readiness (/ready) probes for orchestrators and load balancers. */
export { systemRoutes } from './system.routes.ts';
