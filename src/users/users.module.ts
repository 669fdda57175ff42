import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock, SystemClock } from '../common/clock.js';
import { TypeormUsersRepository } from './typeorm-users.repository.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [
    { provide: Clock, useClass: SystemClock },
    UsersService,
    { provide: UsersRepository, useClass: TypeormUsersRepository },
  ],
  exports: [UsersService],
})
export class UsersModule {}
