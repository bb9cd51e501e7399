<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * The cashier printed on the receipt; when none is passed, the retail point's settings apply.
 */
interface ModulposCashierInterface
{
    /** At most 64 characters; sent as `cashierName`. @return string */
    public function getName();

    /** A valid INN (10 or 12 digits); sent as `cashierInn`. @return string */
    public function getInn();

    /** At most 64 characters; sent as `cashierPosition`. @return string */
    public function getPosition();
}
