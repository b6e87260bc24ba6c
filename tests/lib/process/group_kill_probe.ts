/**
 * Run with only the bot's kind of permissions (`--allow-run=sh --allow-ffi`): starts a tool that starts a
 * grandchild, kills the tool's group, and prints both pids as JSON for the test to check in /proc.
 */
import { ToolProcess } from "../../../lib/process/tool_process.ts";

const tool = ToolProcess.spawn("sh", { args: ["-c", "sleep 1000 & echo $!; wait"], stderr: "null" });
const { value } = await tool.child.stdout.getReader().read();
const grandchild = Number(new TextDecoder().decode(value).trim());
tool.kill();
const status = await tool.status;
console.log(JSON.stringify({ tool: tool.pgid, grandchild, signal: status.signal }));
