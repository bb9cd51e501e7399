<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * A receipt position. Implement it on your own model, or use Entity\OrderItem.
 */
interface ModulposOrderItemInterface
{
    const VAT_NO = 1105;     // НДС не облагается
    const VAT_0 = 1104;      // НДС 0%
    const VAT_10 = 1103;     // НДС 10%
    const VAT_18 = 1102;     // НДС 18% (20% since 2019, same tag)
    const VAT_20 = 1102;     // НДС 20%
    const VAT_10_110 = 1107; // НДС по расчётной ставке 10/110
    const VAT_18_118 = 1106; // НДС по расчётной ставке 18/118 (20/120 since 2019, same tag)
    const VAT_20_120 = 1106; // НДС по расчётной ставке 20/120
    const VAT_5 = 1109;      // НДС 5%
    const VAT_7 = 1110;      // НДС 7%
    const VAT_5_105 = 1111;  // НДС по расчётной ставке 5/105
    const VAT_7_107 = 1112;  // НДС по расчётной ставке 7/107
    const VAT_22 = 1113;     // НДС 22%
    const VAT_22_122 = 1114; // НДС по расчётной ставке 22/122

    /** Unit price before the position discount, at most 2 decimals. @return float|int|string */
    public function getPrice();

    /** @return float|int|string */
    public function getQuantity();

    /** One of the VAT_* constants. @return int */
    public function getVatTag();

    /** At most 128 characters. @return string */
    public function getName();

    /** Default 'commodity'. @return string */
    public function getPaymentObject();

    /** Default 'full_payment'. @return string */
    public function getPaymentMethod();
}
