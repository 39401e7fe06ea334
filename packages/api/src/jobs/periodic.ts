/**
 * Work a server process repeats in the background beside the job runner, on a timer of its
 * own so that a long export or purge never holds it up: each round starts `intervalMs` after
 * the previous one ended. A failed round is reported and the next one comes as usual.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError?: (error: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.round()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.onError?.(error);
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  /** Stops, letting a round in progress commit. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
