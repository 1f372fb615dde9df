// Liveness, readiness and metrics over HTTP, for a process manager, an orchestrator and
// Prometheus: GET /healthz (the process answers), GET /readyz (200 only when the database
// answers and every configured platform is connected, else 503 naming what is down), GET
// /metrics (the exposition text). Served on HEALTH_PORT, or, in Slack HTTP mode, as custom
// routes on Bolt's own port (README, "Probes and metrics").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { LATE, within } from '../time-limit'
import type { PrometheusMetrics } from './prometheus-metrics'

/** One thing readiness depends on: null when it is fine, else why not. */
export interface ReadinessCheck {
  name: string
  check(): Promise<string | null> | string | null
}

/** A route in the shape Bolt's `customRoutes` takes. */
export interface HealthRoute {
  path: string
  method: string[]
  handler(req: IncomingMessage, res: ServerResponse): void
}

/** What /readyz reports. */
export interface Readiness {
  ready: boolean
  /** Each check: "up" or why it is down. */
  checks: Record<string, string>
}

// A probe must answer within the orchestrator's probe timeout (README's example sets 3 s); a
// database that takes longer than this to say "1" is not ready for clicks either.
const CHECK_TIMEOUT_MS = 2_000

export class Health {
  private readonly checks: ReadinessCheck[] = []
  private draining = false

  constructor(private readonly metrics?: PrometheusMetrics) {}

  /** Adds something readiness waits for. */
  add(check: ReadinessCheck): void {
    this.checks.push(check)
  }

  /** Shutdown begins: readiness answers 503 from now on, so traffic stops before the process drains. */
  drain(): void {
    this.draining = true
  }

  async readiness(): Promise<Readiness> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        const result = await within(Promise.resolve().then(check), CHECK_TIMEOUT_MS).catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
        return [name, result === LATE ? `no answer within ${CHECK_TIMEOUT_MS} ms` : (result ?? 'up')] as const
      }),
    )
    const checks: Record<string, string> = Object.fromEntries(results)
    if (this.draining) checks.process = 'shutting down'
    return { ready: Object.values(checks).every((state) => state === 'up'), checks }
  }

  /** /healthz, /readyz and /metrics as Bolt custom routes (also what the standalone server serves). */
  routes(): HealthRoute[] {
    const json = (res: ServerResponse, status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
    }
    const routes: HealthRoute[] = [
      { path: '/healthz', method: ['GET'], handler: (_req, res) => json(res, 200, { status: 'up' }) },
      {
        path: '/readyz',
        method: ['GET'],
        handler: (_req, res) => {
          void this.readiness().then((r) => {
            const down = Object.fromEntries(Object.entries(r.checks).filter(([, state]) => state !== 'up'))
            json(res, r.ready ? 200 : 503, r.ready ? { status: 'ready', checks: r.checks } : { status: 'not ready', down, checks: r.checks })
          })
        },
      },
    ]
    const metrics = this.metrics
    if (metrics) {
      routes.push({
        path: '/metrics',
        method: ['GET'],
        handler: (_req, res) => {
          metrics.exposition().then(
            (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
            (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
          )
        },
      })
    }
    return routes
  }

  /** Serves the routes on their own port (0: any free one). */
  async listen(port: number, host?: string): Promise<{ port: number; close(): Promise<void> }> {
    const routes = this.routes()
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      const route = routes.find((r) => r.path === path)
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz, /readyz or /metrics\n')
      if (!route.method.includes(req.method ?? 'GET')) return void res.writeHead(405, { allow: route.method.join(', ') }).end()
      route.handler(req, res)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    return {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    }
  }
}
