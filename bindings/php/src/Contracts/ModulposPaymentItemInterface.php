<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * A payment (money position). Implement it on your own model, or use Entity\PaymentItem.
 */
interface ModulposPaymentItemInterface
{
    /** CARD, CASH (and PREPAID, POSTPAY, OTHER); sent as `paymentType`. @return string */
    public function getType();

    /** At most 2 decimals. @return float|int|string */
    public function getSum();
}
