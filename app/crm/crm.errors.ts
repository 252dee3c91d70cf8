import { AppError } from '../errors.js';

export class PhoneTakenError extends AppError {
  constructor(phone: string) {
    super(409, 'phone_taken', `phone number ${phone} already belongs to another customer`);
  }
}
