<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * OrderItem::setVatTag() was given a value the library's VAT-tag table does not know.
 */
class VatTagNotAllowed extends \Exception
{
}
