import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Body of POST /auth/signup and POST /auth/login. */
export class CredentialsDto {
  /**
   * 3-64 characters of letters, digits, dot, underscore and hyphen; unique, case-insensitive.
   * @example alice
   */
  @ApiProperty({ pattern: USERNAME_PATTERN.source })
  @IsString()
  @Length(3, 64)
  @Matches(USERNAME_PATTERN, {
    message: 'username may contain only letters, digits, ".", "_" and "-"',
  })
  username: string;

  /**
   * 8-128 characters.
   * @example correct-horse-battery
   */
  @IsString()
  @Length(8, 128)
  password: string;
}
