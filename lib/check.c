/* PLACEHOLDER: replaced by the real module. */
#include "check.h"
