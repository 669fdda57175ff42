/** What passport puts on `req.user`: the user without the password hash. */
export interface AuthenticatedUser {
  id: number;
  username: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
