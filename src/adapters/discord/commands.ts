// Arbiter's application commands: `/label …` subcommands and the "Send to labeling" message
// context-menu command. Registered by `arbiter discord register [--guild ID]` (a bulk overwrite,
// so re-running it is safe); guild commands appear at once, global ones can take up to an hour.
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  REST,
  Routes,
  SlashCommandBuilder,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js'
import { IMPORT_FORMATS } from '../../core/import/item-formats'
import { EXPORT_FORMATS } from '../../core/export/export-formats'
import { roleNames } from '../../core/task-types'
import { CHANNEL_PURPOSES } from '../../core/projects'

export const LABEL_COMMAND = 'label'
export const SEND_TO_LABELING = 'Send to labeling'

const choices = (values: readonly string[]) => values.map((value) => ({ name: value, value }))

/** The command definitions, as sent to Discord. */
export function commandDefinitions(): RESTPostAPIApplicationCommandsJSONBody[] {
  const label = new SlashCommandBuilder()
    .setName(LABEL_COMMAND)
    .setDescription('Label data for RLHF and SFT')
    // Lead status comes from a guild role, so the commands live in guilds only.
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) => s.setName('start').setDescription('Get your next task').addStringOption((o) => o.setName('project').setDescription('Project to label (optional when only one is active)')))
    .addSubcommand((s) => s.setName('stats').setDescription('Your own labeling figures, privately'))
    .addSubcommand((s) => s.setName('progress').setDescription('Project progress (leads)').addStringOption((o) => o.setName('project').setDescription('Project')))
    .addSubcommand((s) =>
      s
        .setName('project-create')
        .setDescription('Create a project (leads)')
        .addStringOption((o) => o.setName('name').setDescription('Project name').setRequired(true).setMaxLength(100))
        .addStringOption((o) => o.setName('types').setDescription('Task types, comma-separated: pairwise,ranking,likert,dimensions,sft')),
    )
    .addSubcommand((s) =>
      s
        .setName('role')
        .setDescription("Set someone's Arbiter role (leads)")
        .addUserOption((o) => o.setName('user').setDescription('Who').setRequired(true))
        .addStringOption((o) => o.setName('role').setDescription('New role').setRequired(true).addChoices(...choices(roleNames))),
    )
    .addSubcommand((s) =>
      s
        .setName('import')
        .setDescription('Import a JSONL file of items (leads)')
        .addStringOption((o) => o.setName('project').setDescription('Project').setRequired(true))
        .addAttachmentOption((o) => o.setName('file').setDescription('JSONL file, one item per line').setRequired(true))
        .addStringOption((o) => o.setName('format').setDescription('Line format (default arbiter)').addChoices(...choices(IMPORT_FORMATS))),
    )
    .addSubcommand((s) =>
      s
        .setName('guide')
        .setDescription("Set a project's labeling guidelines from a Markdown file (leads)")
        .addStringOption((o) => o.setName('project').setDescription('Project').setRequired(true))
        .addAttachmentOption((o) => o.setName('file').setDescription('Markdown (.md) file with the guidelines').setRequired(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('channel')
        .setDescription("Make this channel a project's calibration, lead or labeling channel (leads)")
        .addStringOption((o) => o.setName('purpose').setDescription('What the channel is for').setRequired(true).addChoices(...choices(CHANNEL_PURPOSES)))
        .addStringOption((o) => o.setName('project').setDescription('Project').setRequired(true))
        .addBooleanOption((o) => o.setName('off').setDescription('Unset it instead')),
    )
    .addSubcommand((s) =>
      s
        .setName('export')
        .setDescription('Export labels as a JSONL file (leads)')
        .addStringOption((o) => o.setName('project').setDescription('Project').setRequired(true))
        .addStringOption((o) => o.setName('format').setDescription('Training format (default preferences)').addChoices(...choices(EXPORT_FORMATS))),
    )
  const send = new ContextMenuCommandBuilder().setName(SEND_TO_LABELING).setType(ApplicationCommandType.Message).setContexts(InteractionContextType.Guild)
  return [label.toJSON(), send.toJSON()]
}

/** Where and as whom to register. */
export interface RegisterOptions {
  token: string
  applicationId: string
  /** Base API URL without the version (tests: the fake's); Discord's by default. */
  apiUrl?: string
  /** Register in one guild (instant) instead of globally. */
  guildId?: string
}

/** Overwrites the application's commands (globally or in one guild); returns their names. */
export async function registerCommands(options: RegisterOptions): Promise<string[]> {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token)
  const route = options.guildId ? Routes.applicationGuildCommands(options.applicationId, options.guildId) : Routes.applicationCommands(options.applicationId)
  const created = (await rest.put(route, { body: commandDefinitions() })) as { name: string }[]
  return created.map((c) => c.name)
}
