// `arbiter doctor [--json]`: the setup checklist; exits 1 when something a user needs is broken.
import { renderChecklist } from '../ops/doctor/checklist'
import { runDoctor } from '../ops/doctor/run-doctor'

export async function doctorCommand(options: { json: boolean }, env: Record<string, string | undefined> = process.env, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const results = await runDoctor(env)
  const ok = results.every((r) => r.status !== 'fail')
  out.write(options.json ? `${JSON.stringify({ ok, checks: results }, null, 2)}\n` : renderChecklist(results))
  return ok ? 0 : 1
}
