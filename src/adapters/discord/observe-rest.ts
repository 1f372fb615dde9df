// Every Discord REST response, counted by outcome, and the time rate limits made calls wait:
// discord.js's REST client reports both as events, so nothing on the call path changes.
import { RESTEvents, type REST } from 'discord.js'
import { outcomeOfStatus, type Metrics } from '../../ops/metrics'

export function observeRest(rest: REST, metrics: Metrics): void {
  rest.on(RESTEvents.Response, (_request, response) => metrics.outbound('discord', outcomeOfStatus(response.status)))
  // retryAfter is in milliseconds: how long this request waits before it is sent again.
  rest.on(RESTEvents.RateLimited, (info) => metrics.rateLimited('discord', info.retryAfter / 1000))
}
