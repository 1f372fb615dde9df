// The `arbiter` command line. Each command's module is imported only when it runs, so a
// command that needs no database or chat SDK (agreement) starts in a fraction of a second.
import { Command, InvalidArgumentError, Option } from 'commander'
import { IMPORT_FORMATS } from '../core/import/item-formats'
import { EXPORT_FORMATS } from '../core/export/export-formats'
import { parseDate } from './io'

const program = new Command()
program
  .name('arbiter')
  .description('Arbiter: SFT and RLHF labeling in Slack and Discord.\nConfiguration comes from the environment (README, "Configuration"); with none, data lives in ./data/arbiter.db.')
  .showHelpAfterError()

const date = (value: string) => {
  try {
    return parseDate(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

function run(action: () => Promise<number>): Promise<void> {
  return action().then((code) => {
    process.exitCode = code
  })
}

program
  .command('start')
  .description('run the bot (what `npm start` does): connects to Slack and/or Discord as configured, migrates the database first, runs until SIGINT or SIGTERM')
  .action(() => run(async () => (await import('./start-command')).startCommand()))

program
  .command('migrate')
  .description('apply pending database migrations (the bot also does this on start)')
  .action(() =>
    run(async () => {
      const { runMigrate } = await import('./migrate-command')
      return runMigrate()
    }),
  )

program
  .command('doctor')
  .description('check the setup the bot would start with (database, Slack, Discord, job schedules) and print what to fix; changes nothing')
  .option('--json', 'print the checklist as JSON', false)
  .action((options: { json: boolean }) => run(async () => (await import('./doctor-command')).doctorCommand(options)))

program
  .command('import')
  .description('import a JSONL batch of items into a project (.gz files are read directly)')
  .argument('<file>', 'JSONL file, one item per line')
  .requiredOption('--project <name>', 'project to import into')
  .addOption(new Option('--format <format>', 'line format').choices(IMPORT_FORMATS).default('arbiter'))
  .option('--skip-invalid', 'import the good lines even when some are bad', false)
  .option('--assign <labelers>', 'route the imported items to these labelers only (comma-separated names, user ids or #ids)')
  .option('--group <name>', 'route the imported items to the members of this group')
  .action((file: string, options: { project: string; format: (typeof IMPORT_FORMATS)[number]; skipInvalid: boolean; assign?: string; group?: string }) =>
    run(async () => (await import('./import-command')).importCommand(file, options)),
  )

const share = (value: string) => {
  const n = Number(value)
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('a share between 0 and 1, e.g. 0.1')
  return n
}

program
  .command('export')
  .description("stream a project's labels as JSONL: one settled answer per item, safety and flag floors kept (README, \"Export\")")
  .requiredOption('--project <name>', 'project to export')
  .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory())
  .option('--out <file>', 'write to a file instead of standard output')
  .option('--out-dir <dir>', 'write a Hugging Face dataset folder: DIR/data/train.jsonl (+ test.jsonl) and a dataset card DIR/README.md')
  .option('--test-split <share>', 'with --out-dir: share of prompts in DIR/data/test.jsonl, e.g. 0.1', share)
  .option('--per-judgment', 'one row per decisive judgment instead of one settled answer per item (floors still hold)', false)
  .option('--with-metadata', 'add item_id, agreement, margin, labelers and settled_by columns', false)
  .option('--include-both-bad', 'also export "the less bad of two bad responses" as preferences (weaker evidence)', false)
  .addOption(new Option('--agreeing', 'folded into the default (kept for old scripts)').hideHelp())
  .addOption(new Option('--consensus', 'the default now (kept for old scripts)').hideHelp())
  .option('--since <date>', 'only judgments recorded on or after this date', date)
  .option('--until <date>', 'only judgments recorded before this date', date)
  .action((options) =>
    run(async () => (await import('./export-command')).exportCommand({ ...options, projectName: options.project })),
  )

const projectOptions = (command: Command) =>
  command
    .option('--description <text>', 'what the campaign is for')
    .option('--types <list>', 'allowed task types: pairwise,ranking,likert,dimensions,sft')
    .option('--redundancy <n>', 'labelers per item')
    .option('--max-extra-overlap <n>', 'extra labelers for items whose first judgments split')
    .option('--gold-rate <r>', 'share of tasks that are gold items, 0–1')
    .addOption(new Option('--rationale <policy>', 'when a rationale is required').choices(['never', 'always', 'close_calls']))
    .option('--dimensions <list>', 'rating dimensions, comma-separated')
    .option('--skill-domains <list>', 'domains whose items go only to labelers with that skill')
    .option('--sft-review', 'send SFT submissions to review by another labeler')
    .option('--no-sft-review', 'accept SFT submissions without review')
    .option('--ttl-minutes <n>', 'minutes before an unanswered task returns to the pool')
    .option('--anonymize', 'anonymize labelers in calibration threads')
    .option('--no-anonymize', 'name labelers in calibration threads')
    .option('--slack-channel <id>', 'Slack channel for the project')
    .option('--slack-calibration-channel <id>', 'Slack channel for calibration threads')
    .option('--slack-lead-channel <id>', 'Slack channel for lead notices')
    .option('--discord-channel <id>', 'Discord channel for the project')
    .option('--discord-calibration-channel <id>', 'Discord channel for calibration threads')
    .option('--discord-lead-channel <id>', 'Discord channel for lead notices')
    .option('--calibration-cron <cron>', 'calibration schedule, e.g. "0 10 * * 1-5"')
    .option('--calibration-timezone <zone>', 'time zone of the calibration schedule, e.g. Europe/Paris')
    .option('--guide <file>', "a Markdown file with the project's own labeling guidelines")
    .option('--default-guide', "use the team's labeling guide again")

program
  .command('report')
  .description("a project's quality: agreement, per-labeler biases and drift, disputes, model leaderboard")
  .requiredOption('--project <name>', 'project to report on')
  .option('--json', 'print the documented JSON shape instead of tables', false)
  .option('--since <date>', 'only judgments recorded on or after this date', date)
  .action((options: { project: string; json: boolean; since?: Date }) => run(async () => (await import('./report-command')).reportCommand(options)))

program
  .command('import-judgments')
  .description('import judgments made elsewhere (JSONL) for analysis and export; items by external id, labelers by name')
  .argument('<file>', 'JSONL file, one judgment per line')
  .requiredOption('--project <name>', 'project whose items the judgments refer to')
  .option('--skip-invalid', 'import the good lines even when some are bad', false)
  .action((file: string, options: { project: string; skipInvalid: boolean }) => run(async () => (await import('./import-judgments-command')).importJudgmentsCommand(file, options)))

const items = program.command('items').description("a project's items: list them, route single ones")
items
  .command('list')
  .description('each item: its id (to settle or look up), type, progress and status; --disputed for the ones a lead should settle')
  .requiredOption('--project <name>', 'project whose items to list')
  .option('--disputed', 'only disputed items (split, flaw disagreement, flagged)', false)
  .option('--json', 'print JSON instead of a table', false)
  .action((options: { project: string; disputed: boolean; json: boolean }) => run(async () => (await import('./items-command')).itemsList(options)))

const jobs = program.command('jobs').description('scheduled jobs: calibration threads, reminders, drift pings, digests')
jobs.command('list').description('each job, its schedule, next and last run').action(() => run(async () => (await import('./jobs-command')).jobsList()))
jobs
  .command('run')
  .description('run a job now: calibration-threads, calibration-reminders, drift-check, lead-digest, claim-reminders, rubric-refresher')
  .argument('<name>')
  .action((name: string) => run(async () => (await import('./jobs-command')).jobsRun(name)))

const project = program.command('project').description('manage labeling projects')
projectOptions(project.command('create').description('create a project').argument('<name>')).action((name: string, flags) =>
  run(async () => (await import('./project-command')).projectCreate(name, flags)),
)
project.command('list').description('list projects').action(() => run(async () => (await import('./project-command')).projectList()))
project
  .command('show')
  .description("show a project's settings and progress")
  .argument('<name>')
  .action((name: string) => run(async () => (await import('./project-command')).projectShow(name)))
projectOptions(project.command('set').description("change a project's settings").argument('<name>'))
  .option('--active', 'offer the project\'s tasks')
  .option('--no-active', 'pause the project')
  .action((name: string, flags) => run(async () => (await import('./project-command')).projectSet(name, flags)))

const labeler = program.command('labeler').description('manage labelers')
labeler.command('list').description('list labelers and their roles').action(() => run(async () => (await import('./labeler-command')).labelerList()))
labeler
  .command('role')
  .description('set a labeler\'s role')
  .argument('<labeler>', 'platform user id, display name, or #id')
  .argument('<role>', 'labeler, lead or admin')
  .action((handle: string, role: string) => run(async () => (await import('./labeler-command')).labelerRole(handle, role)))
labeler
  .command('skills')
  .description("set a labeler's domain skills")
  .argument('<labeler>', 'platform user id, display name, or #id')
  .argument('<skills>', 'comma-separated domains ("" for none)')
  .action((handle: string, skills: string) => run(async () => (await import('./labeler-command')).labelerSkills(handle, skills)))
labeler
  .command('group')
  .description('set the groups a labeler belongs to (items can be routed to a group)')
  .argument('<labeler>', 'platform user id, display name, or #id')
  .argument('<groups>', 'comma-separated group names ("" for none)')
  .action((handle: string, groups: string) => run(async () => (await import('./labeler-command')).labelerGroups(handle, groups)))

items
  .command('assign')
  .description('route items to named labelers or a group: only they get them, before other work')
  .requiredOption('--project <name>', 'project of the items')
  .argument('<items...>', 'external ids of the items')
  .option('--to <labelers>', 'comma-separated names, user ids or #ids')
  .option('--group <name>', 'a group of labelers (arbiter labeler group)')
  .action((ids: string[], options: { project: string; to?: string; group?: string }) => run(async () => (await import('./items-command')).itemsAssign(ids, options)))

// bin/arbiter.mjs runs `agreement` from a prebuilt bundle when it can (src/cli/agreement-main.ts);
// this is the same command for the tsx path. Keep the two in step.
program
  .command('agreement')
  .description("agreement statistics (Krippendorff's alpha, Fleiss' and Cohen's kappa) over a file of unit,rater,value ratings")
  .requiredOption('--input <file>', 'CSV (unit,rater,value, optional header) or JSONL ({"unit","rater","value"}) file')
  .addOption(new Option('--level <level>', "level of measurement for Krippendorff's alpha").choices(['nominal', 'ordinal', 'interval', 'ratio']).default('nominal'))
  .option('--json', 'print one JSON object instead of text', false)
  .action((options: { input: string; level: 'nominal' | 'ordinal' | 'interval' | 'ratio'; json: boolean }) =>
    run(async () =>
      (await import('./agreement')).agreementCommand({ input: options.input, level: options.level, json: options.json }, process.stdout, process.stderr),
    ),
  )

const discord = program.command('discord').description('Discord setup')
discord
  .command('register')
  .description('register the /label commands and the "Send to labeling" menu (globally, or in one guild at once)')
  .option('--guild <id>', 'register in this guild only (appears immediately)')
  .action((options: { guild?: string }) => run(async () => (await import('./discord-command')).discordRegister(options)))

program.parseAsync(process.argv).catch(async (error: unknown) => {
  const { isArbiterError } = await import('../core/errors')
  if (isArbiterError(error)) process.stderr.write(`arbiter: ${error.message}\n`)
  else process.stderr.write(`arbiter: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
