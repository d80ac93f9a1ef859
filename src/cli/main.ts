import { Command, CommanderError } from "commander";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";

/**
 * Each top-level command's builder, loaded on demand: a command loads only its own modules (`init
 * sample` never loads zod, the model readers or the chart code), and help loads them all.
 */
const COMMANDS: Record<string, (io: CliIo) => Promise<Command[]>> = {
  study: async (io) => [(await import("./studyCommand.js")).studyCommand(io)],
  init: async (io) => [(await import("./initCommand.js")).initCommand(io)],
  propagate: async (io) => (await import("./propagateCommand.js")).propagateCommands(io).slice(0, 1),
  jacobian: async (io) => (await import("./propagateCommand.js")).propagateCommands(io).slice(1),
  theory: async (io) => [(await import("./theoryCommand.js")).theoryCommand(io)],
  recommend: async (io) => [(await import("./recommendCommand.js")).recommendCommand(io)],
  sweep: async (io) => (await import("./sweepCommand.js")).sweepCommands(io).slice(0, 1),
  merge: async (io) => (await import("./sweepCommand.js")).sweepCommands(io).slice(1, 2),
  report: async (io) => (await import("./sweepCommand.js")).sweepCommands(io).slice(2, 3),
  schema: async (io) => (await import("./sweepCommand.js")).sweepCommands(io).slice(3, 4),
  train: async (io) => [(await import("./trainCommand.js")).trainCommand(io)],
  audit: async (io) => [(await import("./auditCommand.js")).auditCommand(io)],
};

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

/**
 * The `initlab` command tree, writing to `io`: with `only`, just that top-level command (what a
 * run of it needs); else every command, in the order help lists them.
 */
export async function buildProgram(io: CliIo, only?: string): Promise<Command> {
  const program = new Command("initlab")
    .description("initlab: study, choose and audit weight initialization in deep neural networks")
    .version("0.1.0")
    .enablePositionalOptions();
  const names = only !== undefined && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  for (const name of names) for (const command of await COMMANDS[name](io)) program.addCommand(command);
  configure(program, io);
  return program;
}

/**
 * Runs initlab with raw arguments (without "node" and the script) and returns the exit code.
 * Every failure becomes one line on stderr — never a stack trace — with exit code 2 for usage
 * errors and 1 for errors while running.
 */
/** The exit status of an internal error (EX_SOFTWARE): a bug in initlab, never bad input. */
export const INTERNAL_ERROR_STATUS = 70;

/**
 * Whether an error is initlab failing rather than the input being wrong: JavaScript's TypeError and
 * ReferenceError, the engine's out-of-memory and stack-overflow RangeErrors. initlab's own one-line
 * errors are Error, RangeError, SyntaxError and ModelFileError with messages it wrote.
 */
export function isInternalError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof ReferenceError) return true;
  return (
    error instanceof RangeError &&
    /Invalid (typed )?array length|Maximum call stack|Array buffer allocation|Invalid string length|Out of memory/i.test(
      error.message,
    )
  );
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await (await buildProgram(io, argv[0])).parseAsync([...argv], { from: "user" });
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
    if (isInternalError(error)) {
      // a bug, not bad input: said so (in one line, no stack trace) and a distinct exit status
      io.stderr(
        `initlab: internal error (a bug in initlab; please report it with the command): ${message.split("\n")[0]}\n`,
      );
      return INTERNAL_ERROR_STATUS;
    }
    io.stderr(`initlab: error: ${message.split("\n")[0]}\n`);
    return 1;
  }
}
