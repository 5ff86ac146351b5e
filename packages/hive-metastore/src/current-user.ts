/** The user recorded as table owner and lock holder (Paimon uses the Hadoop user, else `user.name`). */
import { userInfo } from 'node:os';

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'paimon-ts';
  }
}
