import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

export type AuthEventType = 'signup' | 'login' | 'logout';

export interface AuthEvent {
  type: AuthEventType;
  userId: number;
}

/**
 * Auth events for other modules (scaling recounts on them). Emitted after the session
 * write has been committed, and never awaited by the request: a slow listener cannot slow
 * or fail an auth request.
 */
@Injectable()
export class AuthEvents {
  private readonly subject = new Subject<AuthEvent>();

  get events$(): Observable<AuthEvent> {
    return this.subject.asObservable();
  }

  emit(event: AuthEvent): void {
    this.subject.next(event);
  }
}
