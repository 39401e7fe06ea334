export interface BuildInputs {
  /** When the build started (ms since the epoch). */
  startedAt: number;
  /** Every file it read: absolute, or relative to `base`. */
  inputs: string[];
  base: string;
}

export function writeBuildInputs(file: string, record: BuildInputs): void;

export function staleReason(file: string, outputs: string[]): string | null;
