import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TypeormUsersRepository } from './typeorm-users.repository.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, { provide: UsersRepository, useClass: TypeormUsersRepository }],
  exports: [UsersService],
})
export class UsersModule {}
