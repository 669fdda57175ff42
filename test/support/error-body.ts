/** Every error body has this shape (docs/rest-api.md, "Errors"), and leaks no stack trace or SQL. */
export function expectErrorBody(body: unknown, statusCode: number): void {
  expect(body).toEqual(
    expect.objectContaining({ statusCode, error: expect.any(String), message: expect.any(String) }),
  );
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/at .*\.(ts|js):\d+|SELECT |INSERT |QueryFailedError/);
}
