/** Body of a successful POST /auth/login (the session cookie comes with it). */
export class LoginResponseDto {
  /** @example 42 */
  id: number;
  /** @example alice */
  username: string;
}
