<?php

namespace Bigperson\ModulposApiClient\Entity;

use Bigperson\ModulposApiClient\Contracts\ModulposPaymentItemInterface;
use Bigperson\ModulposApiClient\Exceptions\TypeOperationsNotAllowed;
use Bigperson\ModulposApiClient\Internal\Tables;

/**
 * A payment (money position): type CARD, CASH, PREPAID (advance offset), POSTPAY (credit) or
 * OTHER (consideration), and its sum.
 */
class PaymentItem extends AbstractEntity implements ModulposPaymentItemInterface
{
    /** @var string */
    protected $type;

    /** @var float|int|string */
    protected $sum;

    public function getType()
    {
        return $this->type;
    }

    /**
     * @param string $type CARD, CASH, PREPAID, POSTPAY or OTHER
     *
     * @throws TypeOperationsNotAllowed
     */
    public function setType($type)
    {
        Tables::requireCode(Tables::MONEY_TYPES, $type, 'payment type', TypeOperationsNotAllowed::class);
        $this->type = $type;
    }

    public function getSum()
    {
        return $this->sum;
    }

    /**
     * @param float|int|string $sum at most 2 decimals
     */
    public function setSum($sum)
    {
        $this->sum = $sum;
    }
}
