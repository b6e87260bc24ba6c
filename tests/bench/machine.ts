/** What the numbers were measured on: they only mean something next to the machine and its load. */

/** Processor, core count, load and tool versions, as report conditions. */
export async function describeMachine(): Promise<[string, string][]> {
  return [
    ["cpu", `${cpuModel()}, ${navigator.hardwareConcurrency} cores`],
    [
      "load average (1/5/15 min) at start",
      Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" "),
    ],
    ["deno", Deno.version.deno],
    ["ffmpeg", await ffmpegVersion()],
  ];
}

function cpuModel(): string {
  const info = Deno.readTextFileSync("/proc/cpuinfo");
  return /^model name\s*:\s*(.+)$/m.exec(info)?.[1].trim() ?? "unknown processor";
}

async function ffmpegVersion(): Promise<string> {
  const ffmpeg = Deno.env.get("FFMPEG_PATH") ?? "ffmpeg";
  const { stdout } = await new Deno.Command(ffmpeg, { args: ["-version"], stdout: "piped" }).output();
  return /ffmpeg version (\S+)/.exec(new TextDecoder().decode(stdout))?.[1] ?? "unknown";
}
