import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorCode, errorMessage, InvalidInputError, isNameRefused, isRetryable, SiftError } from "./errors.js";

const sysError = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe("isRetryable", () => {
  it("takes an error that says so at its word", () => {
    expect(isRetryable(new InvalidInputError("EMPTY_FILE", "x: empty"))).toBe(false);
    expect(isRetryable(new SiftError("LATER", "try later"))).toBe(true);
    expect(isRetryable({ code: "X", retryable: false })).toBe(false);
  });

  it("never retries JavaScript's own error types or an invalid document", () => {
    expect(isRetryable(new RangeError("Maximum call stack size exceeded"))).toBe(false);
    expect(isRetryable(new TypeError("x is not a function"))).toBe(false);
    expect(isRetryable(z.object({ a: z.string() }).safeParse({}).error)).toBe(false);
  });

  it("never retries a name the file system refuses, but retries other I/O and the network", () => {
    expect(isRetryable(sysError("ENAMETOOLONG"))).toBe(false);
    expect(isNameRefused(sysError("ENAMETOOLONG"))).toBe(true);
    for (const code of ["ENOSPC", "EMFILE", "ECONNRESET", "EAGAIN"])
      expect(isRetryable(sysError(code)), code).toBe(true);
    expect(isRetryable(new Error("TIMEOUT"))).toBe(true);
  });
});

describe("errorCode and errorMessage", () => {
  it("give a JavaScript error a code and keep its type in the message", () => {
    const err = new RangeError("Maximum call stack size exceeded");
    expect(errorCode(err)).toBe("WORK_ERROR");
    expect(errorMessage(err)).toBe("RangeError: Maximum call stack size exceeded");
    expect(errorCode(sysError("EACCES"))).toBe("EACCES");
  });
});
