<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * OrderItem::setPaymentMethod() was given a value the library's payment-method table does not know.
 */
class PaymentMethodNotAllowed extends \Exception
{
}
