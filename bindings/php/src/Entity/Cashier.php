<?php

namespace Bigperson\ModulposApiClient\Entity;

use Bigperson\ModulposApiClient\Contracts\ModulposCashierInterface;

/**
 * The cashier printed on the receipt.
 */
class Cashier extends AbstractEntity implements ModulposCashierInterface
{
    /** @var string */
    protected $name;

    /** @var string */
    protected $inn;

    /** @var string */
    protected $position;

    public function getName()
    {
        return $this->name;
    }

    /**
     * @param string $name at most 64 characters
     */
    public function setName($name)
    {
        $this->name = $name;
    }

    public function getInn()
    {
        return $this->inn;
    }

    /**
     * @param string $inn a valid INN, 10 or 12 digits
     */
    public function setInn($inn)
    {
        $this->inn = $inn;
    }

    public function getPosition()
    {
        return $this->position;
    }

    /**
     * @param string $position at most 64 characters
     */
    public function setPosition($position)
    {
        $this->position = $position;
    }
}
