/**
 * HTTP API routing shared by the `auth` and `brand-api` functions: the route key
 * (`METHOD /path/{param}`) selects a function of the table; every request gets a logger that
 * names its route and a metrics batch flushed when it ends, and an expected failure (HttpError)
 * becomes its 4xx answer.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type HttpResult, json, rejectOrRethrow } from './http.js';
import { type Logger, logger } from './logger.js';
import { MetricsBatch } from './metrics.js';

export type Route = (event: APIGatewayProxyEventV2, log: Logger, metrics: MetricsBatch) => Promise<HttpResult>;
export type RouteTable = Readonly<Record<string, Route>>;

/** Runs the route of the request's route key; 404 for a key the table does not have. */
export async function dispatch(routes: RouteTable, event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> {
  const log = logger.child({ routeKey: event.routeKey });
  // Own keys only: a route key like `constructor` must not reach the prototype.
  const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
  if (route === undefined) return json(404, { error: 'route not found' });
  const metrics = new MetricsBatch(context.awsRequestId);
  try {
    return await route(event, log, metrics);
  } catch (err) {
    return rejectOrRethrow(err, log);
  } finally {
    await metrics.flush();
  }
}
