// The DOM tests' stand-in for `@tauri-apps/api/core`: `invoke` answers each command from what the
// test gave it (the engine's recorded answers in ../fixtures), and a Channel is an object whose
// `onmessage` the test calls to stream events as the engine would. A test file takes it with
//
//   vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));
import { vi } from "vitest";

/** A failure as the engine reports it (`UiError`): its kind, what happened, what to do about it. */
export interface EngineFailure {
  /** contract.ts's `ErrorCode`: "not-found", "daemon-unreachable", … */
  code?: string;
  message: string;
  hint: string;
}

export class Channel<T = unknown> {
  onmessage: (message: T) => void = () => undefined;
}

/** A command's arguments, as loosely typed as the tests read them. */
type Args = Record<string, any>;
const answers = new Map<string, (args: Args) => unknown>();

/** Rejects, as the engine's commands do, with a `{message, hint}` when no answer was given. */
export const invoke = vi.fn(async (command: string, args: Args = {}): Promise<unknown> => {
  const answer = answers.get(command);
  if (!answer) throw { message: `the test gave no answer for ${command}`, hint: "" } satisfies EngineFailure;
  // A copy, as the bridge hands the page a fresh object each time.
  const value = await answer(args);
  return value === undefined ? null : structuredClone(value);
});

/** Answers `command` with `value`; when `value` is a function, with what it returns for the
 * command's arguments (a promise, to answer later; a rejected one, to fail). */
export function answer(command: string, value: unknown): void {
  answers.set(command, typeof value === "function" ? (value as (args: Args) => unknown) : () => value);
}

/** Makes `command` fail the way the engine's commands fail: rejected with the failure. */
export function fail(command: string, error: EngineFailure): void {
  answers.set(command, () => Promise.reject(error));
}

/** The arguments of each call of `command` so far, oldest first. */
export function callsOf(command: string): Args[] {
  return invoke.mock.calls.filter(([name]) => name === command).map(([, args]) => args ?? {});
}

/** The arguments of the latest call of `command`. */
export function lastCall(command: string): Args {
  const calls = callsOf(command);
  if (calls.length === 0) throw new Error(`${command} was not invoked`);
  return calls[calls.length - 1];
}

/** The channel the latest call of `command` passed as `name`, to send the engine's events on. */
export function channelOf<T>(command: string, name: string): Channel<T> {
  return lastCall(command)[name] as Channel<T>;
}

/** Forgets every answer and call (between tests). */
export function resetEngine(): void {
  answers.clear();
  invoke.mockClear();
}
