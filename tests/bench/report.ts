/** The printed benchmark report: conditions first, then sections of one number per line with its target. */

/** One measured number. */
export interface Row {
  readonly label: string;
  /** NaN or undefined print as "n/a": a measurement that could not be taken. */
  readonly value: number | undefined;
  readonly unit: string;
  /** What the number should be, in words; printed beside it and never checked. */
  readonly target?: string;
  readonly digits?: number;
}

interface Section {
  readonly title: string;
  readonly rows: (Row | string)[];
}

/** Collects rows as measurements finish, and prints them all at the end, even after a failure. */
export class Report {
  readonly #conditions: [string, string][] = [];
  readonly #sections: Section[] = [];

  /** A fact about the run: machine, versions, track lengths. */
  condition(name: string, value: string): void {
    this.#conditions.push([name, value]);
  }

  /** Starts a new section; later rows go into it. */
  section(title: string): void {
    this.#sections.push({ title, rows: [] });
  }

  /** Adds a number to the current section. */
  add(row: Row): void {
    const current = this.#sections.at(-1);
    if (!current) throw new Error(`Row "${row.label}" added before any section`);
    current.rows.push(row);
  }

  /** Adds a line of explanation to the current section, e.g. what limits a number that misses its goal. */
  note(text: string): void {
    const current = this.#sections.at(-1);
    if (!current) throw new Error(`Note "${text}" added before any section`);
    current.rows.push(text);
  }

  /** The whole report as text. */
  toString(): string {
    const labelWidth = Math.max(
      ...this.#sections.flatMap((section) =>
        section.rows.map((row) => typeof row === "string" ? 0 : row.label.length)
      ),
      ...this.#conditions.map(([name]) => name.length),
      0,
    );
    const lines = ["", "Conditions"];
    for (const [name, value] of this.#conditions) lines.push(`  ${name.padEnd(labelWidth)}  ${value}`);
    for (const section of this.#sections) {
      lines.push("", section.title);
      for (const row of section.rows) {
        lines.push(
          typeof row === "string" ? `  → ${row}` : `  ${row.label.padEnd(labelWidth)}  ${formatRow(row)}`,
        );
      }
    }
    return lines.join("\n") + "\n";
  }
}

function formatRow(row: Row): string {
  const value = row.value === undefined || Number.isNaN(row.value)
    ? "n/a"
    : row.value.toFixed(row.digits ?? 1);
  const amount = `${value.padStart(9)} ${row.unit.padEnd(8)}`;
  return row.target ? `${amount}  target: ${row.target}` : amount.trimEnd();
}
