import { Command, CommanderError } from "commander";
import { auditCommand } from "./auditCommand.js";
import { initCommand } from "./initCommand.js";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";
import { propagateCommands } from "./propagateCommand.js";
import { recommendCommand } from "./recommendCommand.js";
import { studyCommand } from "./studyCommand.js";
import { sweepCommands } from "./sweepCommand.js";
import { trainCommand } from "./trainCommand.js";
import { theoryCommand } from "./theoryCommand.js";

/** Applies initlab's error rules to a command and all its subcommands: throw instead of exit, one-line errors to `io`. */
function configure(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(`initlab: ${text.trimStart()}`),
    });
  for (const sub of command.commands) configure(sub, io);
}

/** The `initlab` command tree, writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("initlab")
    .description("initlab: study, choose and audit weight initialization in deep neural networks")
    .version("0.1.0")
    .enablePositionalOptions();
  for (const command of [
    studyCommand(io),
    initCommand(io),
    ...propagateCommands(io),
    theoryCommand(io),
    recommendCommand(io),
    ...sweepCommands(io),
    trainCommand(io),
    auditCommand(io),
  ])
    program.addCommand(command);
  configure(program, io);
  return program;
}

/**
 * Runs initlab with raw arguments (without "node" and the script) and returns the exit code.
 * Every failure becomes one line on stderr — never a stack trace — with exit code 2 for usage
 * errors and 1 for errors while running.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return 0;
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`initlab: error: ${message.split("\n")[0]}\n`);
    return 1;
  }
}
