// The command dispatch both interop tools share: exit 2 on a usage error
// (with the usage text), 3 on any other error.
export class UsageError extends Error {}

export async function runCommands(tool, commands, usage) {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (!commands[command]) throw new UsageError(`unknown command ${command}`);
    process.exitCode = await commands[command](rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${tool}: ${error.message}\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(`${tool}: ${error.message}`);
      process.exitCode = 3;
    }
  }
}
