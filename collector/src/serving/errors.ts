/**
 * An error the asker caused (a bad parameter, a range too large): its message is shown as is,
 * with its status. The API answers it as HTTP (api/http/errors.ts names it HttpError), the Live
 * push as an error message naming `param`.
 */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** 400: a parameter is missing or malformed; `message` says what was expected. */
export const badParam = (param: string, message: string): ClientError => new ClientError(400, message, param);
