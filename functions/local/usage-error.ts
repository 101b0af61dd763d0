/** Bad command line or bad suite: the CLI exits with code 2 and prints the message. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}
