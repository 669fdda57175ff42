/** A configuration value that cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
    value?: unknown,
  ) {
    super(
      `Invalid configuration: ${variable} ${problem}` +
        (value === undefined ? '' : ` (got ${JSON.stringify(value)})`),
    );
    this.name = 'ConfigError';
  }
}
