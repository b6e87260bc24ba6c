import type { UploadedFile } from "./fake_rest.ts";
import type { BuiltInteraction } from "./interaction_payloads.ts";
import { Recorder } from "./recorder.ts";

/** A message the bot produced for an interaction after its first response. */
export interface InteractionMessage {
  /** "edit": PATCH of the original response; "followup": POST to the interaction webhook. */
  readonly kind: "edit" | "followup";
  readonly messageId: string;
  /** The request body as the bot sent it. */
  readonly body: Record<string, unknown>;
  /** Files uploaded with it. */
  readonly files?: readonly UploadedFile[];
}

const DEFAULT_WAIT_MS = 5000;

/** An interaction the fake sent, and everything the bot answered to it. */
export class FakeInteraction {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: Record<string, unknown>;
  /** Bodies of POST /interactions/{id}/{token}/callback, accepted ones only. */
  readonly responses: Recorder<Record<string, unknown>> = new Recorder();
  /** Edits of the original response and follow-ups, in order. */
  readonly messages: Recorder<InteractionMessage> = new Recorder();
  /** Id of the message the first response created (or the component's message), once there is one. */
  originalMessageId: string | null = null;
  readonly #respondBy: number;

  constructor(built: BuiltInteraction, responseDeadlineMs: number) {
    this.id = built.id;
    this.token = built.token;
    this.payload = built.payload;
    this.#respondBy = Date.now() + responseDeadlineMs;
  }

  /** Whether the bot already sent its one callback. */
  get acknowledged(): boolean {
    return this.responses.items.length > 0;
  }

  /** Whether a callback now would still be in time (Discord allows three seconds). */
  get canStillRespond(): boolean {
    return Date.now() <= this.#respondBy;
  }

  /** The callback body the bot sent (type 4/5/6/7/8 and its data). */
  waitForResponse(timeoutMs = DEFAULT_WAIT_MS): Promise<Record<string, unknown>> {
    return this.responses.waitFor(() => true, timeoutMs, `a response to interaction ${this.id}`);
  }

  /** The first edit or follow-up matching `predicate` (any, if none given). */
  waitForMessage(
    predicate: (message: InteractionMessage) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<InteractionMessage> {
    return this.messages.waitFor(predicate, timeoutMs, `a message for interaction ${this.id}`);
  }
}
