/* placeholder: replaced by the command-line front end */
#include "extern.h"
int main(void) { return 0; }
