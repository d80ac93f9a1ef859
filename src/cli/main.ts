import { Command, CommanderError } from "commander";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";
import { initCommand } from "./initCommand.js";
import { studyCommand } from "./studyCommand.js";

/** The `initlab` command tree, writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("initlab")
    .description("initlab: study, choose and audit weight initialization in deep neural networks")
    .version("0.1.0")
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`initlab: ${text.trimStart()}`) });
  for (const command of [studyCommand(io), initCommand(io)]) {
    program.addCommand(
      command.exitOverride().showSuggestionAfterError(false).configureOutput({
        writeOut: io.stdout,
        writeErr: io.stderr,
        outputError: (text, write) => write(`initlab: ${text.trimStart()}`),
      }),
    );
  }
  return program;
}

/**
 * Runs initlab with raw arguments (without "node" and the script) and returns the exit code.
 * Every failure becomes one line on stderr — never a stack trace — and exit code 1 (2 for usage).
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`initlab: error: ${message.split("\n")[0]}\n`);
    return 1;
  }
}
