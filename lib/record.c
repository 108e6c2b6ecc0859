/* PLACEHOLDER: replaced by the real module. */
#include "record.h"
