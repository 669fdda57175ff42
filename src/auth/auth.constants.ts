/** Name of the session cookie (also the OpenAPI cookie security scheme). */
export const SESSION_COOKIE_NAME = 'kiada.sid';
