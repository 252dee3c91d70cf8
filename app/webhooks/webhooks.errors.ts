// The webhooks' own refusals (bad input is the app's ValidationError, 400 validation_failed).
import { AppError } from '../errors.js';

export class WebhookNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'webhook_not_found', `webhook ${id} not found`);
  }
}

export class WebhookDeliveryNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'webhook_delivery_not_found', `webhook delivery ${id} not found`);
  }
}

export class WebhookDeliveryDeliveredError extends AppError {
  constructor(id: string) {
    super(409, 'webhook_delivery_delivered', `webhook delivery ${id} was delivered already; it is not sent again`);
  }
}
