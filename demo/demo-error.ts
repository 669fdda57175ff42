/** A failure the demo explains in one message (cause and fix): printed without a stack. */
export class DemoError extends Error {}
