/** What a task module exports as `tasks`: pure work by name; `deps` are functions of the parent the task may call. */
export type WorkTasks = Record<
  string,
  (input: unknown, deps: Record<string, (...args: unknown[]) => Promise<unknown>>) => unknown
>;

/** An error as it crosses between processes. `unexpected`: not one of ours, thrown by the work itself. */
export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  retryable?: boolean;
  unexpected?: boolean;
}

export type ParentMessage =
  | { t: "run"; id: number; task: string; input: unknown; deps: string[] }
  | { t: "reply"; call: number; ok: true; value: unknown }
  | { t: "reply"; call: number; ok: false; error: SerialisedError };

export type ChildMessage =
  | { t: "ready" }
  | { t: "fatal"; error: SerialisedError }
  | { t: "done"; id: number; ok: true; value: unknown }
  | { t: "done"; id: number; ok: false; error: SerialisedError }
  | { t: "call"; id: number; call: number; dep: string; args: unknown[] };

export function serialiseError(err: unknown): SerialisedError {
  if (!(typeof err === "object" && err !== null)) return { name: "Error", message: String(err) };
  const e = err as { name?: unknown; message?: unknown; code?: unknown; retryable?: unknown };
  return {
    name: typeof e.name === "string" ? e.name : "Error",
    message: typeof e.message === "string" ? e.message : String(err),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(typeof e.retryable === "boolean" ? { retryable: e.retryable } : {}),
  };
}

/**
 * An error thrown by a stage's pure work. One of ours says what it is (code, retryable); anything else
 * (a RangeError, a TypeError, a library's own error) came from the input alone, so it is permanent.
 */
export function readErrorOf(err: unknown): SerialisedError {
  const s = serialiseError(err);
  if (s.code !== undefined && s.retryable !== undefined) return s;
  return { name: s.name, message: s.message, code: "WORK_ERROR", retryable: false, unexpected: true };
}

/** How a task module is loaded: in a worker, or in its service's own process for the small units run inline. */
export interface TaskInit {
  inline: boolean;
}

/** Imports task modules as a worker does (each `init` run once, told where): the tasks by name. */
export async function loadTaskModules(urls: string[], how: TaskInit = { inline: false }): Promise<WorkTasks> {
  const tasks: WorkTasks = {};
  for (const url of urls) {
    const mod = (await import(url)) as { tasks?: WorkTasks; init?: (how: TaskInit) => unknown };
    Object.assign(tasks, mod.tasks ?? {});
    await mod.init?.(how);
  }
  return tasks;
}
